export { Add20Regular, ChevronLeft20Regular, Delete20Regular, Dismiss20Regular, Edit20Regular } from '../../components/icons';
export { PeopleTeam20Regular as People } from '../../components/icons';
