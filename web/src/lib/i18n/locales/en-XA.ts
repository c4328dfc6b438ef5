import { pseudoLocalize } from '../pseudo.ts';
import en, { type Messages } from './en.ts';

const pseudo: Messages = pseudoLocalize(en);
export default pseudo;
